// PostgreSQL migrations, generated from src/db/pg/schema.ts into their own folder:
// `npx drizzle-kit generate --config scripts/drizzle.pg.config.ts --name <what>`.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './drizzle/pg',
});
