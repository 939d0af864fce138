// Keyword search that means the same on both engines: case-insensitive (SQLite's LIKE is for
// ASCII, PostgreSQL's is not, so both sides are lowered) and literal (% and _ escaped).
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

export function containsText(column: SQLWrapper, keyword: string): SQL {
  const pattern = `%${keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`lower(${column}) LIKE ${pattern} ESCAPE '\\'`;
}
