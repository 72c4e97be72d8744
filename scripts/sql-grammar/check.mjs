// Syntax check with real grammars, independent of the SQL generator under test (sqlglot): dt-sql-parser's ANTLR
// grammars of Trino (Athena's queries and views) and Hive (Athena's DDL).
// Input on stdin: JSON [{"name": ..., "grammar": "trino" | "hive", "sql": ...}]. Output on stdout: JSON
// [{"name": ..., "errors": [{"line", "column", "message", "near"}]}], in the input's order; nothing else is printed.
// Run: node --import ./register.mjs check.mjs < statements.json
import { readFileSync } from 'node:fs';
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';

const parsers = { trino: new TrinoSQL(), hive: new HiveSQL() };
const statements = JSON.parse(readFileSync(0, 'utf8'));
const quiet = () => {};
console.error = quiet; // ANTLR's console listener repeats every error on stderr; validate() returns them all
console.log = quiet;
const results = statements.map(({ name, grammar, sql }) => {
  const parser = parsers[grammar];
  if (!parser) return { name, errors: [{ line: 0, column: 0, message: `no grammar named ${grammar}`, near: '' }] };
  const errors = parser.validate(sql).map((e) => {
    const text = sql.split('\n')[e.startLine - 1] ?? '';
    return { line: e.startLine, column: e.startColumn, message: e.message,
             near: text.slice(Math.max(0, e.startColumn - 60), e.startColumn + 30) };
  });
  return { name, errors };
});
process.stdout.write(JSON.stringify(results));
