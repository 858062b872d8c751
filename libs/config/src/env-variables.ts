import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';

/** One environment variable an env class reads, with its default as the environment would spell it. */
export interface EnvVariable {
  name: string;
  /** undefined: no default (unset unless given). Lists are comma-joined, as EnvList reads them. */
  default: string | undefined;
}

/**
 * Every variable an env class (and the classes it extends) reads: the properties that carry
 * validation decorators, which loadConfig checks. For tools that must list them all (the
 * README's configuration table, the deployment manifests) so they cannot drift from the code.
 */
export function envVariables(envClass: new () => object): EnvVariable[] {
  const names = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(envClass, '', true, false)
      .map((metadata) => metadata.propertyName),
  );
  const defaults = new envClass() as Record<string, unknown>;
  return [...names].map((name) => {
    const value = defaults[name];
    return {
      name,
      default: value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value),
    };
  });
}
