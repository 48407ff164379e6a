import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PeekedMessage, PeekResult, QueueView } from '../src/dashboard/api.js';
import { command, peek } from './client.js';
import { arnName, clock, count, pretty, relative } from './format.js';
import type { Notify } from './queues.js';

const EXAMPLE_EVENT = {
  protocol: 'mega',
  version: 1,
  event: {
    name: 'order.placed',
    timestamp: new Date().toISOString(),
    version: 1,
    domain: 'shop',
    subject: 'order-42',
    attributes: { total: 99.5, currency: 'EUR' },
  },
  object: { type: 'order', id: 'order-42', version: 1, current: { status: 'placed' } },
};

/** One queue: a form to send a message, and the messages it holds, peeked without receiving them. */
export function QueuePanel({ queue, now, notify }: { queue: QueueView; now: number; notify: Notify }) {
  const total = queue.visible + queue.inFlight + queue.delayed;
  return (
    <section class="panel" aria-labelledby="panel-title">
      <h2 id="panel-title">
        {queue.name} {queue.fifo && <span class="badge fifo">FIFO</span>}
      </h2>
      <p class="muted url">
        <code>{queue.url}</code>
      </p>
      <div class="panel-grid">
        <SendForm queue={queue} notify={notify} />
        <MessageBrowser queue={queue} total={total} now={now} />
      </div>
    </section>
  );
}

function SendForm({ queue, notify }: { queue: QueueView; notify: Notify }) {
  const [body, setBody] = useState('');
  const [groupId, setGroupId] = useState('');
  const [dedupId, setDedupId] = useState('');
  const [delay, setDelay] = useState('0');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const out = await command('send', {
        region: queue.region,
        queue: queue.name,
        body,
        groupId: queue.fifo ? groupId : undefined,
        deduplicationId: queue.fifo ? dedupId : undefined,
        delaySeconds: queue.fifo ? undefined : Number(delay),
      });
      notify(`Sent ${out.MessageId} to ${queue.name}`);
      if (queue.fifo) setDedupId('');
    } catch (error) {
      notify(`Not sent: ${(error as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="send" onSubmit={submit} aria-labelledby="send-title">
      <h3 id="send-title">Send a message</h3>
      <label for="send-body">Body</label>
      <textarea
        id="send-body"
        rows={7}
        required
        spellcheck={false}
        value={body}
        onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
        placeholder="Text, JSON or a MEGA event"
      />
      {queue.fifo ? (
        <div class="row">
          <div>
            <label for="send-group">Message group id</label>
            <input
              id="send-group"
              required
              value={groupId}
              onInput={(e) => setGroupId((e.target as HTMLInputElement).value)}
            />
          </div>
          <div>
            <label for="send-dedup">Deduplication id</label>
            <input
              id="send-dedup"
              value={dedupId}
              aria-describedby="send-dedup-hint"
              onInput={(e) => setDedupId((e.target as HTMLInputElement).value)}
            />
            <small id="send-dedup-hint">
              {queue.attributes.ContentBasedDeduplication === 'true'
                ? 'Optional: the body’s hash is used.'
                : 'Required: the queue has no content-based deduplication.'}
            </small>
          </div>
        </div>
      ) : (
        <div class="row">
          <div>
            <label for="send-delay">Delay (seconds)</label>
            <input
              id="send-delay"
              type="number"
              min={0}
              max={900}
              value={delay}
              onInput={(e) => setDelay((e.target as HTMLInputElement).value)}
            />
          </div>
        </div>
      )}
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          Send
        </button>
        <button type="button" onClick={() => setBody(pretty({ ...EXAMPLE_EVENT }))}>
          Example MEGA event
        </button>
      </div>
    </form>
  );
}

function MessageBrowser({ queue, total, now }: { queue: QueueView; total: number; now: number }) {
  const [result, setResult] = useState<PeekResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(async () => {
    try {
      setResult(await peek(queue.region, queue.name));
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [queue.region, queue.name]);
  // reload when the queue changes, or when its counts do
  const version = `${queue.visible}/${queue.inFlight}/${queue.delayed}`;
  useEffect(() => {
    void load();
  }, [load, version]);
  return (
    <section class="browser" aria-labelledby="browse-title">
      <div class="browser-head">
        <h3 id="browse-title">Messages</h3>
        <span class="muted">
          {result ? `${count(Math.min(result.messages.length, total))} of ${count(total)}` : ''} · peeked, not
          received
        </span>
        <button type="button" class="refresh" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {result && result.messages.length === 0 && <p class="empty">The queue is empty.</p>}
      <ol class="messages" aria-live="polite">
        {result?.messages.map((m) => (
          <MessageCard key={m.messageId} message={m} now={now} />
        ))}
      </ol>
    </section>
  );
}

const STATE_LABEL = { visible: 'visible', inFlight: 'in flight', delayed: 'delayed' } as const;

function MessageCard({ message: m, now }: { message: PeekedMessage; now: number }) {
  const d = m.decoded;
  return (
    <li class="message" data-message-id={m.messageId}>
      <div class="message-head">
        <span class={`badge state-${m.state}`}>{STATE_LABEL[m.state]}</span>
        <DecodedTitle message={m} />
        <span class="muted" title={new Date(m.sentAt).toISOString()}>
          sent {clock(m.sentAt)}
        </span>
      </div>
      <p class="meta muted">
        <code title="Message id">{m.messageId}</code>
        {m.receiveCount > 0 && ` · received ${m.receiveCount}×`}
        {m.state !== 'visible' && ` · visible ${relative(m.visibleAt, now)}`}
        {m.groupId && ` · group ${m.groupId}`}
        {m.sequenceNumber && ` · seq ${m.sequenceNumber}`}
        {m.deadLetterSourceArn && ` · dead-lettered from ${arnName(m.deadLetterSourceArn)}`}
      </p>
      {d.sns && (
        <p class="meta">
          via SNS topic <strong>{arnName(d.sns.topicArn)}</strong>
          {d.sns.subject && ` · subject “${d.sns.subject}”`}
          {Object.keys(d.sns.attributes).length > 0 &&
            ` · ${Object.entries(d.sns.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`}
        </p>
      )}
      <pre class="body">{decodedText(m)}</pre>
      {Object.keys(m.attributes).length > 0 && (
        <p class="meta muted">
          attributes:{' '}
          {Object.entries(m.attributes)
            .map(([k, v]) => `${k} (${v})`)
            .join(', ')}
        </p>
      )}
      {(d.kind !== 'text' || d.sns) && (
        <details>
          <summary>Raw body</summary>
          <pre class="body raw">
            {m.body}
            {m.bodyTruncated && '…'}
          </pre>
        </details>
      )}
    </li>
  );
}

function DecodedTitle({ message }: { message: PeekedMessage }) {
  const d = message.decoded;
  switch (d.kind) {
    case 'mega':
      return (
        <span class="kind">
          MEGA event <strong>{d.name}</strong> <span class="muted">({d.encoding})</span>
        </span>
      );
    case 'data':
      return <span class="kind">data ({d.encoding})</span>;
    case 'text':
      return <span class="kind">text</span>;
    case 'binary':
      return <span class="kind">binary, {count(d.size)} bytes</span>;
    case 'sns-confirmation':
      return <span class="kind">SNS {d.type}</span>;
    default:
      return <span class="kind error">invalid {d.encoding}</span>;
  }
}

function decodedText(m: PeekedMessage): string {
  const d = m.decoded;
  switch (d.kind) {
    case 'mega':
      return pretty(d.event);
    case 'data':
      return pretty(d.data);
    case 'text':
      return d.text;
    case 'binary':
      return d.hex.replace(/(.{2})/g, '$1 ').trim() + (d.size > 256 ? ' …' : '');
    case 'sns-confirmation':
      return `${d.message ?? ''}\ntopic: ${d.topicArn}`;
    default:
      return `${d.field}: ${d.reason}${d.data ? `\n${pretty(d.data)}` : ''}`;
  }
}
