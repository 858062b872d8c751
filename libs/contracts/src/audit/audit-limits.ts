import type { JsonLimits } from '../storable/storable-json';

/** Larger records are refused: an audit event is a fact, not a document store. */
export const MAX_AUDIT_EVENT_BYTES = 1_048_576;

/**
 * The shape of any audit event, checked before anything else walks it (class-validator, the
 * canonical hash, JSON.stringify all recurse). Far above what a real event holds; the README's
 * limits table lists them with their failure codes.
 */
export const AUDIT_EVENT_JSON_LIMITS: JsonLimits = {
  maxDepth: 32,
  maxStringLength: 65_536,
  maxKeyLength: 256,
  maxArrayItems: 10_000,
  maxObjectKeys: 1_000,
  maxValues: 100_000,
};

/**
 * Characters of the role a WorkspaceAccess event grants or revokes: the role is part of the
 * workspace_memberships primary key, beside the workspace and the user (256 characters each).
 */
export const MAX_ROLE_LENGTH = 256;
