import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { routeOutput } from '../../../local/observability/output-router';

const EMF = JSON.stringify({
  _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service']], Metrics: [] }] },
  service: 's',
});
const LOG = JSON.stringify({ level: 'INFO', message: 'hello', timestamp: '2026-12-04T17:50:00.000Z' });

/** A stream that keeps what reaches it. */
function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('routeOutput', () => {
  it('drops the EMF lines it is told to, rewrites log lines, passes everything else', () => {
    const { stream, text } = sink();
    const seen: unknown[] = [];
    const restore = routeOutput({
      streams: [stream],
      onEmf: (doc) => {
        seen.push(doc);
        return true;
      },
      onJson: (doc) => (doc.level ? `pretty ${String(doc.message)}` : undefined),
    });
    stream.write(`${EMF}\n`);
    stream.write(`${LOG}\n`);
    stream.write('banner line\n');
    stream.write('{"other":"json"}\n');
    stream.write('{not json}\n');
    stream.write(`${LOG}\n${EMF}\npartial`);
    restore();
    expect(seen).toHaveLength(2);
    expect(text()).toBe('pretty hello\nbanner line\n{"other":"json"}\n{not json}\npretty hello\npartial');
  });

  it('keeps EMF lines the handler does not take, and calls back when a write is all dropped', async () => {
    const { stream, text } = sink();
    let take = false;
    const restore = routeOutput({ streams: [stream], onEmf: () => take });
    stream.write(`${EMF}\n`);
    take = true;
    await new Promise<void>((resolve, reject) =>
      stream.write(`${EMF}\n`, (error) => (error ? reject(error) : resolve())),
    );
    restore();
    expect(text()).toBe(`${EMF}\n`);
  });

  it('puts the stream back on restore, and passes through if wrapped again after it', () => {
    const { stream, text } = sink();
    const own = stream.write;
    const restore = routeOutput({ streams: [stream], onEmf: () => true });
    expect(stream.write).not.toBe(own);
    restore();
    expect(stream.write).toBe(own);
    expect(Object.hasOwn(stream, 'write')).toBe(false);

    const again = routeOutput({ streams: [stream], onEmf: () => true });
    const routed = stream.write.bind(stream) as (chunk: string) => boolean;
    const outer = ((chunk: string) => routed(chunk)) as typeof stream.write;
    stream.write = outer;
    again();
    expect(stream.write).toBe(outer);
    stream.write(`${EMF}\n`);
    expect(text()).toBe(`${EMF}\n`);
  });
});
