import { getMetadataStorage } from 'class-validator';
import type { ServiceEnv } from '@meshtrail/config';

/**
 * Checks a service's settings allow-list (what the settings audit records): it names `present`,
 * never one of `secrets`, and only variables the env class declares (those with a default, and
 * the optional ones class-validator knows).
 */
export function expectRecordedSettings(
  envClass: new () => ServiceEnv,
  { present, secrets }: { present: string[]; secrets: string[] },
): void {
  const config = new envClass();
  const listed = config.recordedSettings();
  expect(listed).toEqual(expect.arrayContaining(present));
  for (const name of secrets) expect(listed).not.toContain(name);
  const declared = new Set([
    ...Object.keys(config),
    ...getMetadataStorage()
      .getTargetValidationMetadatas(envClass, '', true, false)
      .map((rule) => rule.propertyName),
  ]);
  for (const name of listed) expect(declared).toContain(name);
}
