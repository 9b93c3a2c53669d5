#!/usr/bin/env node
// duckdb_tables.mjs DIR SQL - run SQL in DuckDB over the tables that
// kdelay-report --export tables wrote to DIR, as someone would on a
// laptop: each DIR/NAME.csv is the view NAME, read by DuckDB's own CSV
// reader with its type detection (no column types given here: the files
// must read right as they are).  Prints the result as tab-separated
// lines, without a header; NULL as an empty field.  Exit status 0, or 1
// with the error on stderr.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, sql] = process.argv.slice(2);
if (!dir || !sql) {
  console.error('usage: duckdb_tables.mjs DIR SQL');
  process.exit(2);
}

const quote = (s) => "'" + s.replaceAll("'", "''") + "'";

try {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    const name = file.slice(0, -4);
    await con.run(`CREATE VIEW ${name} AS SELECT * FROM read_csv(${quote(join(resolve(dir), file))}, header = true)`);
  }
  const reader = await con.runAndReadAll(sql);
  for (const row of reader.getRows())
    console.log(row.map((v) => (v === null ? '' : String(v))).join('\t'));
} catch (e) {
  console.error(`duckdb_tables.mjs: ${e.message}`);
  process.exit(1);
}
