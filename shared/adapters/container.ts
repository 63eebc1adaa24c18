// Wires ports to adapters. On Lambda the store and clock come from the environment (lazily, once
// per container); every other adapter is named by the function itself: its handler module calls
// useAdapters({ queue: notifyQueue, … }) with the factories of ./wire/* it needs, so a function's
// bundle holds only the SDK clients it uses and a reader sees its wiring in one place. The local
// runtime and the tests install their own wiring with setDeps().
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Metrics } from '../app/metrics';
import type {
  Clock,
  Log,
  MessageQueue,
  Mailer,
  ObjectReader,
  ObjectStore,
  SlotOpener,
  SmsSender,
  Store,
  UserDirectory,
} from '../app/ports';
import { systemClock } from './clock';
import { type Config, loadConfig } from './config';
import { DynamoStore } from './dynamo/store';
import { logger } from './logger';

export type Deps = {
  store: Store;
  clock: Clock;
  objects?: ObjectStore;
  /** The reading side only (the receipt): falls back to `objects` when that is set. */
  reader?: ObjectReader;
  queue?: MessageQueue;
  mailer?: Mailer;
  sms?: SmsSender;
  /** Where the web pages are served; notices link to them (`WEB_BASE_URL`; locally `npm start`'s address). */
  webBaseUrl?: string;
  /** Counts published as metrics (EMF on Lambda); absent: nothing is counted. */
  metrics?: Metrics;
  users?: UserDirectory;
  /** What the app layer reports without failing the request (see Log). */
  log?: Log;
  /** Slot opening as jobs on a queue (the opener function); absent: slots are opened inline. */
  opener?: SlotOpener;
};
type Optional = 'objects' | 'reader' | 'queue' | 'mailer' | 'sms' | 'metrics' | 'users' | 'opener';

let current: Deps | undefined;
const factories: Adapters = {};

export function setDeps(d: Deps | undefined) {
  current = d;
}

/** How a function builds each optional adapter it uses on Lambda (factories from ./wire/*). */
export type Adapters = { [K in Optional]?: (cfg: Config) => NonNullable<Deps[K]> };

/** Names the adapters a Lambda function uses; each is built at its first use, once per container. */
export function useAdapters(adapters: Adapters) {
  Object.assign(factories, adapters);
}

export function deps(): Deps {
  if (!current) {
    const cfg = loadConfig();
    const built: Partial<Deps> = {};
    const lazy = <K extends Optional>(key: K) => ({
      get: () => {
        built[key] ??= factories[key]?.(cfg);
        return built[key];
      },
      enumerable: true,
    });
    current = Object.defineProperties(
      {
        store: new DynamoStore(new DynamoDBClient({}), cfg.TABLE_NAME),
        clock: systemClock,
        webBaseUrl: cfg.WEB_BASE_URL,
        log: logger,
      } as Deps,
      {
        objects: lazy('objects'),
        reader: lazy('reader'),
        queue: lazy('queue'),
        mailer: lazy('mailer'),
        sms: lazy('sms'),
        metrics: lazy('metrics'),
        users: lazy('users'),
        opener: lazy('opener'),
      },
    );
  }
  return current;
}

export function need<K extends keyof Deps>(key: K): NonNullable<Deps[K]> {
  const v = deps()[key];
  if (!v) throw new Error(`dependency ${key} is not configured`);
  return v as NonNullable<Deps[K]>;
}

/** The bucket's reading side: the `reader` wired for this function, else the full `objects`. */
export function needReader(): ObjectReader {
  const d = deps();
  const v = d.reader ?? d.objects;
  if (!v) throw new Error('dependency reader is not configured');
  return v;
}
