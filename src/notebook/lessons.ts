/**
 * "Segmentation 101": the guided notebook `Load sample data` offers teachers. From data to
 * action, a Notes cell before each step says in plain words what the step does and why; every
 * step is an ordinary cell (its SQL visible), so a class can change anything afterwards.
 */
import type { SampleOptions } from '../engine/api';
import {
	newAnswerCell,
	newChartCell,
	newCustomerCell,
	newDataCell,
	newFeaturesCell,
	newNotesCell,
	newPersonasCell,
	newSegmentsCell,
	newSqlCell,
	newStepperCell,
	type Cell,
	type Notebook
} from './model';
import { ident } from '../sql/sql';

export const LESSON_TITLE = 'Segmentation 101';

/** A loaded sample table, as the lesson needs it. */
export interface LessonTable {
	name: string;
	source: string;
	columns: string[];
}

const INTRO = `# Segmentation 101

A made-up online shop sold to its customers for two years. Which kinds of customers does it
have, and what should it do for each kind? In this notebook we go from raw orders to customer
**segments** (groups of similar customers) and a plan for each, one step at a time.

- Every step is a cell. A note like this one explains the step before it.
- Nothing to type: the steps run by themselves when the lesson opens (a shared copy runs when
  you press **Run all**). **Run cell** runs a step again after you change it.
- **Present** (in the toolbar) shows the notebook as slides: → and ← move, **F** fills the
  screen, **N** turns the notes into speaker notes.
- A **checkpoint** asks the class a question; **Show the answer** reveals it.
- The data was generated in this browser and never leaves it.`;

const STEP_DATA = `## Step 1 · The data

Two tables came with the shop:

- **customers**: one row per customer: when they signed up, age, gender, city.
- **transactions**: one row per order line: invoice, customer, date, category, quantity,
  price, discount and channel (web, app or store).

Each Data cell below shows every column: its type, how many values are empty, the smallest and
largest value, and a small histogram. Columns that look like personal data are flagged.`;

const STEP_LOOK = `## Step 2 · Look before you model

Before any modelling, check the data makes sense. This SQL cell adds up the orders month by
month; the chart under it draws the result. Does the shop grow? Are there gaps?

You can change the SQL and press **Run cell** (or Shift+Enter) to ask your own question.`;

const STEP_FEATURES = `## Step 3 · Describe each customer with numbers

A segmentation compares customers, so each customer becomes one row of numbers (**features**):

- **Recency**: days since the last order (small is good).
- **Frequency**: how many orders.
- **Monetary**: how much they spent in total.
- **Average order value**: spend ÷ orders.

Two transforms make the numbers comparable: a **log** tames the few customers who spend
a hundred times more than the rest, and **scaling** puts days and euros on the same footing, so
that no feature wins just because its numbers are bigger. Open **Show the SQL** to read exactly
how every feature is computed.`;

const STEP_K = `## Step 4 · How many segments?

**k-means** splits customers into *k* groups so that each customer is close to the centre of
its group. But what should *k* be? The Segments cell tries k = 2 to 10 and scores each:

- **Elbow**: how tight the groups are. It always improves with more groups; look for the bend
  where adding a group stops helping much.
- **Silhouette**: how much closer customers are to their own group than to the next one
  (higher is better).

It picks a k and says why. You can overrule it with **Number of segments**.`;

const STEP_STEPPER = `## How k-means works, one step at a time

k-means repeats two moves until nothing changes:

1. **Assign**: every customer joins the nearest centre.
2. **Move**: every centre moves to the average of its customers.

Below, two features of a sample of customers. Each **Next step** makes one of the two moves and
says what happened; **Play** runs them at the **Speed** you choose. **Place centres** lets you
click where k-means starts; **New seed** lets it pick again.`;

const STEP_PERSONAS = `## Step 5 · Read the personas

Numbers become people. Each card is one segment: its size, its share of revenue, and its
**traits** compared with the whole customer base (an index of 100 is average; 200 is twice the
average). Segmentation gives each one a name; rename them to whatever your team will remember.`;

const STEP_ACTION = `## Step 6 · Decide what to do

A segment is only useful if it changes what you do. A starting plan:

| Persona | What they look like | What to do |
| --- | --- | --- |
| Recent big spenders | bought lately, often, a lot | thank them; early access; do not discount |
| Loyal regulars | steady orders for a long time | a loyalty reward; ask for reviews |
| Frequent bargain hunters | many orders, mostly on discount | bundles and targeted offers, not blanket sales |
| Slipping away | used to buy, not lately | a win-back message now, before they are gone |
| New customers | first orders recently | a welcome series; a reason for the second order |
| Dormant one-timers | one old order | a cheap reactivation, or let them go |

Look up a single customer below to see where one person sits: their segment, how typical they
are of it, and their orders over time.`;

const STEP_ANSWER = `## Step 7 · Check against the answer key

This shop is made up, so we know the truth: six customer types were planted in the data and
Segbook never saw them. The answer key compares them with the segments found. The **adjusted
Rand index** (ARI) is 1 when the grouping is the same as planted and 0 when it is no better
than chance.

The second table re-runs the same k and seed with other choices: without the log and scaling,
or with fewer features. It shows how much those choices matter.`;

/**
 * Checkpoints: a question for the class, its answer behind **Show the answer** (an `answer`
 * fence in the markdown; see markdown.ts). They stay slides when the notes become speaker notes.
 */
const CHECK_LOOK = `## Checkpoint · Read the chart

Does the shop grow? In which part of the two years does it sell the most?

\`\`\`answer
Yes: revenue grows through both years as the shop wins customers, with small dips on the way
(February is a short month). The best months come late in the second year. The very last month
may not be complete yet. Point at the line to read a month's value.
\`\`\``;

const CHECK_K = `## Checkpoint · Fewer segments

Six customer types were planted in this shop. Set **Number of segments** to 4 and press
**Run cell**: what has to happen to the six types, and how can you see it?

\`\`\`answer
With 4 segments for 6 types, at least two pairs of types must share a segment: the persona
names show which were put together (the ones closest in the PCA picture). The silhouette at
k = 4 is lower than at the k the cell chose: the groups are less clearly apart. Tick **Choose
automatically** to go back.
\`\`\``;

const CHECK_STEPPER = `## Checkpoint · Another start

Press **New seed** and then **Play**, a few times. Do the centres always end in the same place?

\`\`\`answer
Not always. k-means only improves the start it is given, so from an unlucky start two centres
can end up sharing one group while a third covers two. That is why the Segments cell runs
k-means from several starts and keeps the one with the smallest total squared distance.
\`\`\``;

const CHECK_PERSONAS = `## Checkpoint · Who matters most?

Which persona brings in the most money per customer, and what would you do for it?

\`\`\`answer
Compare each card's share of revenue with its share of customers: the segment whose revenue
share is far bigger than its customer share is worth most per head (here the recent big
spenders). Keep them close with thanks and early access, not discounts: they buy anyway.
\`\`\``;

const NEXT = `## Next lesson · Customers change

Segments are a snapshot. To watch customers move between them, open **Load sample data**
again, tick **Plant a shift in the second year**, then **Add cell → Compare**: it splits the two
years, puts every customer in a segment for each year, and counts who moved where (for example
from Loyal regulars to Slipping away).`;

const MONTHLY_RESULT = 'monthly_sales';

function monthlySql(transactions: string): string {
	return `-- Orders and revenue per month
SELECT date_trunc('month', invoice_date) AS month,
       count(DISTINCT invoice_id) AS orders,
       round(sum(quantity * unit_price * (1 - discount)), 2) AS revenue
FROM ${ident(transactions)}
GROUP BY month
ORDER BY month`;
}

/** The guided notebook over a freshly generated sample's two tables. */
export function segmentation101(
	customers: LessonTable,
	transactions: LessonTable,
	sample: SampleOptions
): Notebook {
	const data = (t: LessonTable): Cell => newDataCell(t.name, t.source, t.columns, sample);
	const chart = {
		...newChartCell(MONTHLY_RESULT, 'month'),
		mark: 'line' as const,
		y: 'revenue'
	};
	const cells: Cell[] = [
		newNotesCell(INTRO),
		newNotesCell(STEP_DATA),
		data(customers),
		data(transactions),
		newNotesCell(STEP_LOOK),
		newSqlCell(monthlySql(transactions.name), MONTHLY_RESULT),
		chart,
		newNotesCell(CHECK_LOOK),
		newNotesCell(STEP_FEATURES),
		newFeaturesCell(transactions.name),
		newNotesCell(STEP_K),
		newSegmentsCell(),
		newNotesCell(CHECK_K),
		newNotesCell(STEP_STEPPER),
		newStepperCell(),
		newNotesCell(CHECK_STEPPER),
		newNotesCell(STEP_PERSONAS),
		newPersonasCell(),
		newNotesCell(CHECK_PERSONAS),
		newNotesCell(STEP_ACTION),
		newCustomerCell('C0000001'),
		newNotesCell(STEP_ANSWER),
		newAnswerCell(),
		newNotesCell(NEXT)
	];
	return { version: 1, title: LESSON_TITLE, cells };
}
