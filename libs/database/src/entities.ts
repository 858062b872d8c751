/** Every TypeORM entity, listed explicitly (no globs: the same list works from ts and from dist). */
export const ENTITIES: Function[] = [];
