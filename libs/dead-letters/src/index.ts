export {
  DEAD_LETTER_ID,
  describeFilters,
  parseInstant,
  storedTopic,
  type DeadLetterFilters,
} from './dead-letter-filters';
export { DEAD_LETTER_TOPICS, deadLetterTopicOf } from './dead-letter-topics';
export {
  DEAD_LETTER_GONE,
  countDeadLetters,
  getDeadLetter,
  insertDeadLetter,
  listDeadLetters,
  markReplayed,
  missingDeadLetters,
  readDeadLetters,
  type DeadLetterPage,
  type DeadLetterSummary,
  type StoredDeadLetterRow,
} from './dead-letter.store';
export { DeadLetterQueue } from './dead-letter-queue';
export { DeadLetterBurstIndicator } from './dead-letter-burst';
export { DeadLettersModule } from './dead-letters.module';
export { deadLettersReplayed, type ReplayActor, type ReplayFacts } from './dead-letter-replay.audit';
export {
  replayDeadLetters,
  replayMessage,
  replaySelection,
  type ReplayPorts,
  type ReplayRequest,
  type ReplayResult,
} from './replay-dead-letters';
