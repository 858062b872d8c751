import { escapeIdentifier } from 'pg';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A table or column name checked against a strict pattern, then quoted (identifiers cannot be parameters). */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing the SQL identifier ${JSON.stringify(name)}`);
  return escapeIdentifier(name);
}
