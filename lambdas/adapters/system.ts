import { randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../core/ports';

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: Ids = { newId: () => randomUUID() };
