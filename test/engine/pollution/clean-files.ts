/**
 * Clean CSV files the pollution corpus starts from: each is a list of records (text values, as
 * the file writes them) with a header. Seeded, so every run builds the same corpus.
 */
export interface CleanFile {
	name: string;
	header: string[];
	rows: string[][];
}

function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

const PRODUCTS: [string, string, string][] = [
	['Desk lamp', 'Lighting', 'Adjustable arm, warm light'],
	['Floor lamp', 'Lighting', 'Tall, with a linen shade'],
	['Oak table', 'Furniture', 'Solid oak; seats six'],
	['Bar stool', 'Furniture', 'Swivel seat, chrome legs'],
	['Wool rug', 'Textiles', 'Hand-woven, 2 x 3 m'],
	['Cushion', 'Textiles', 'Feather filled'],
	['Teapot', 'Kitchen', 'Cast iron, 1.2 litres'],
	['Knife set', 'Kitchen', 'Five knives, a block and a steel'],
	['Wall clock', 'Decor', 'Silent movement'],
	['Mirror', 'Decor', 'Round, 24" brass frame']
];

/** 83 records × 9 columns: dates, times, `$` prices, quoted descriptions with commas, URLs. */
export function productSales(): CleanFile {
	const r = rng(17);
	const rows: string[][] = [];
	for (let i = 0; i < 83; i++) {
		const [product, type, description] = PRODUCTS[Math.floor(r() * PRODUCTS.length)]!;
		const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 360) * 86_400_000);
		const date = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
		const time = `${pad(8 + Math.floor(r() * 12))}:${pad(Math.floor(r() * 4) * 15)}:00`;
		const price = `$${(5 + Math.floor(r() * 40000) / 100).toFixed(2)}`;
		const slug = product.toLowerCase().replace(/ /g, '-');
		rows.push([
			String(1001 + i),
			date,
			time,
			product,
			type,
			price,
			String(1 + Math.floor(r() * 6)),
			description,
			`https://shop.example.com/p/${slug}?ref=${100 + i}`
		]);
	}
	return {
		name: 'product_sales.csv',
		header: [
			'OrderID',
			'OrderDate',
			'OrderTime',
			'Product',
			'ProductType',
			'Price',
			'Quantity',
			'Description',
			'URL'
		],
		rows
	};
}

const COUNTRIES = ['France', 'Germany', 'Spain', 'Italy', 'Portugal', 'Belgium'];
const FIRST = ['Ann', 'Bruno', 'Chloé', 'Dieter', 'Elena', 'Farid', 'Greta', 'Hugo', 'Inès'];

/** 60 customers × 7 columns: ids, names, e-mails, decimals, dd/mm/yyyy dates, empty notes. */
export function customers(): CleanFile {
	const r = rng(29);
	const rows: string[][] = [];
	for (let i = 0; i < 60; i++) {
		const first = FIRST[Math.floor(r() * FIRST.length)]!;
		const day = 1 + Math.floor(r() * 28);
		const month = 1 + Math.floor(r() * 12);
		rows.push([
			`C${pad(i + 1, 4)}`,
			`${first} ${String.fromCharCode(65 + Math.floor(r() * 26))}.`,
			`${first
				.toLowerCase()
				.normalize('NFKD')
				.replace(/[^a-z]/g, '')}${i}@mail.example.org`,
			COUNTRIES[Math.floor(r() * COUNTRIES.length)]!,
			`${pad(day)}/${pad(month)}/2023`,
			(Math.floor(r() * 500000) / 100).toFixed(2),
			r() < 0.3 ? 'prefers e-mail, no calls' : r() < 0.5 ? 'VIP' : ''
		]);
	}
	return {
		name: 'customers.csv',
		header: ['CustomerID', 'Name', 'Email', 'Country', 'Signup', 'Spend', 'Note'],
		rows
	};
}

/** 70 readings × 6 columns: timestamps, negative decimals, integers, a text code. */
export function readings(): CleanFile {
	const r = rng(41);
	const rows: string[][] = [];
	for (let i = 0; i < 70; i++) {
		const t = new Date(Date.UTC(2025, 2, 1, 0, 0) + i * 3_600_000 * 7);
		const ts = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:00:00`;
		rows.push([
			ts,
			['N-01', 'S-02', 'E-03'][i % 3]!,
			(Math.floor(r() * 400) / 10 - 12).toFixed(1),
			String(20 + Math.floor(r() * 75)),
			String(990 + Math.floor(r() * 40)),
			r() < 0.8 ? 'ok' : 'check sensor'
		]);
	}
	return {
		name: 'readings.csv',
		header: ['Time', 'Station', 'TempC', 'Humidity', 'Pressure', 'Status'],
		rows
	};
}

export const CLEAN_FILES: readonly (() => CleanFile)[] = [productSales, customers, readings];
