/** What the operations center may answer to a delivery: its view of the installation. */
export interface CenterAnswer {
  status?: string;
  description?: string;
  /** Minimums the center asks for (versions, intervals, ...), as it sends them. */
  minimums?: Record<string, string | number | boolean>;
}

/**
 * The center's answer in a response body, when the body is a JSON object with a status,
 * description or minimums; anything else (an empty body, protobuf, HTML) is no answer. Bounded:
 * strings are cut, only scalar minimums are kept, at most 20.
 */
export function centerAnswerOf(body: Buffer): CenterAnswer | undefined {
  if (body.length === 0 || body.length > 16_384) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { status, description, minimums } = parsed as Record<string, unknown>;
  const answer: CenterAnswer = {};
  if (typeof status === 'string') answer.status = status.slice(0, 64);
  if (typeof description === 'string') answer.description = description.slice(0, 500);
  if (typeof minimums === 'object' && minimums !== null && !Array.isArray(minimums)) {
    const scalars = Object.entries(minimums).filter(([, value]) =>
      ['string', 'number', 'boolean'].includes(typeof value),
    );
    answer.minimums = Object.fromEntries(
      scalars.slice(0, 20).map(([key, value]) => [key.slice(0, 64), value]),
    ) as CenterAnswer['minimums'];
  }
  return Object.keys(answer).length > 0 ? answer : undefined;
}
