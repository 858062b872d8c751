/**
 * kafkajs' internal request queue (one per broker connection), typed for the tests of the patch
 * in patches/: kafkajs ships no types for its internals.
 */
export interface PatchedRequestQueue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: {
    entry: {
      apiKey: number;
      apiName: string;
      apiVersion: number;
      correlationId: number;
      resolve: () => void;
      reject: () => void;
    };
    expectResponse: boolean;
    sendRequest: () => void;
  }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(clientSideThrottleTime: number): void;
  destroy(): void;
}

interface RequestQueueClass {
  new (options: {
    maxInFlightRequests: number | null;
    requestTimeout: number;
    enforceRequestTimeout: boolean;
    clientId: string;
    broker: string;
    logger: Record<'debug' | 'info' | 'warn' | 'error', () => void>;
  }): PatchedRequestQueue;
  prototype: PatchedRequestQueue;
}

export const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;
