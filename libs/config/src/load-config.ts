import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** One bad environment variable: its name and what was wrong with it. */
export interface ConfigProblem {
  variable: string;
  problems: string[];
  /** The value as given, masked when the variable may hold a secret. */
  given: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      [
        `${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
        ...problems.map(
          (p) =>
            `  - ${p.variable}: ${p.problems.join('; ')} (given: ${p.given === undefined ? 'unset' : JSON.stringify(p.given)})`,
        ),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

// KEYCLOAK_* names a product, not a key: its URL stays readable in a configuration error
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY(?!CLOAK)|CREDENTIAL/i;

/** Keeps secrets out of error messages: secret-named variables are hidden, URL passwords masked. */
export function maskConfigValue(variable: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (SECRET_NAME.test(variable)) return '***';
  return text.replace(/\/\/([^:/@]+):([^@/]+)@/g, '//$1:***@');
}

function collect(errors: ValidationError[], env: Record<string, unknown>): ConfigProblem[] {
  return errors.map((error) => ({
    variable: error.property,
    problems: [...new Set(Object.values(error.constraints ?? {}))],
    given: maskConfigValue(error.property, env[error.property]),
  }));
}

/**
 * Reads the environment once into a typed, validated object. Every problem is collected before
 * failing, so an operator fixes the whole configuration in one go.
 */
export function loadConfig<T extends object>(
  service: string,
  envClass: ClassConstructor<T>,
  env: Record<string, string | undefined> = process.env,
): T {
  // Empty strings mean "unset" (compose files and Helm values often render unset variables as "").
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(envClass, present, { exposeDefaultValues: true });
  const errors = validateSync(config, {
    whitelist: false,
    forbidUnknownValues: true,
    validationError: { target: false },
  });
  if (errors.length > 0) throw new ConfigError(service, collect(errors, present));
  return config;
}

/** loadConfig for a service's entry point: on a bad configuration, print every problem and exit non-zero. */
export function loadConfigOrExit<T extends object>(service: string, envClass: ClassConstructor<T>): T {
  try {
    return loadConfig(service, envClass);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Written as one structured JSON line, like every other log line, plus a readable copy on stderr.
    process.stdout.write(
      `${JSON.stringify({
        timestamp: new Date().toISOString(),
        level: 'FATAL',
        service,
        logger: 'Config',
        message: 'Invalid Configuration',
        problems: error.problems,
      })}\n`,
    );
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}
