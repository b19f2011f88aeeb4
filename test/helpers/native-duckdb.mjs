#!/usr/bin/env node
/**
 * Runs a SQL script on native DuckDB (@duckdb/node-api), in the current folder, as a user would
 * run an exported pipeline: `node test/helpers/native-duckdb.mjs script.sql` from the folder that
 * holds the input files. Prints one JSON line: {"ms": …, "version": …}.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!file) throw new Error('usage: native-duckdb.mjs <script.sql>');
const script = readFileSync(file, 'utf8');
const threads = process.env.DUCKDB_THREADS;
const instance = await DuckDBInstance.create(':memory:', threads ? { threads } : {});
const connection = await instance.connect();
const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0]?.[0];
const started = performance.now();
await connection.run(script);
console.log(JSON.stringify({ ms: performance.now() - started, version }));
connection.closeSync();
