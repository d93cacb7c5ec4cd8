/**
 * The AWS X-Ray SDK as the Powertools Tracer resolves it, for tests that play Lambda's part
 * (a root segment in the SDK's context). The SDK is the Tracer's dependency, not ours:
 * resolving it from the Tracer's own location needs no entry in package.json, and gives the
 * very copy, CLS namespace included, that the Tracer uses.
 */
import { createRequire } from 'node:module';

/** The parts of an X-Ray (sub)segment the tests read. */
export interface XRaySubsegment {
  readonly name: string;
  readonly subsegments?: XRaySubsegment[];
  isClosed(): boolean;
  toJSON(): {
    name?: string;
    annotations?: Record<string, unknown>;
    cause?: { exceptions?: { message?: string }[] };
  };
}

/** A root segment, as Lambda's facade segment would be. */
export interface XRaySegment {
  readonly subsegments?: XRaySubsegment[];
  close(): void;
}

interface XRaySdk {
  Segment: new (name: string) => XRaySegment;
  getNamespace(): { runAndReturn<T>(fn: () => T): T };
  setSegment(segment: XRaySegment): void;
}

const tracerEntry = createRequire(__filename).resolve('@aws-lambda-powertools/tracer');

export const xraySdk = createRequire(tracerEntry)('aws-xray-sdk-core') as XRaySdk;
