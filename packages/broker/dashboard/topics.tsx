import type { SubscriptionView, TopicView } from '../src/dashboard/api.js';
import { arnName, count, relative } from './format.js';

/** Topics, their subscriptions, filter policies and HTTP/S delivery status. */
export function Topics({ topics, now }: { topics: TopicView[]; now: number }) {
  if (topics.length === 0) {
    return (
      <p class="empty">
        No topics yet. Create one with an SNS client pointed at <code>{location.origin}</code>.
      </p>
    );
  }
  return (
    <div class="topics">
      {topics.map((t) => (
        <article class="topic" key={t.arn} aria-labelledby={`topic-${t.region}-${t.name}`}>
          <h3 id={`topic-${t.region}-${t.name}`}>
            {t.name} {t.fifo && <span class="badge fifo">FIFO</span>}{' '}
            <span class="muted small">
              {count(t.subscriptions.length)} subscription{t.subscriptions.length === 1 ? '' : 's'}
            </span>
          </h3>
          {t.subscriptions.length > 0 && (
            <div class="table-wrap">
              <table class="subscriptions">
                <caption class="visually-hidden">Subscriptions of {t.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Protocol</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Status</th>
                    <th scope="col">Filter policy</th>
                    <th scope="col">Delivery</th>
                  </tr>
                </thead>
                <tbody>
                  {t.subscriptions.map((s) => (
                    <SubscriptionRow key={s.arn} s={s} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
      ))}
    </div>
  );
}

function SubscriptionRow({ s, now }: { s: SubscriptionView; now: number }) {
  return (
    <tr>
      <td>
        <span class="badge">{s.protocol}</span>
        {s.raw && (
          <span class="badge" title="Raw message delivery: no SNS envelope">
            raw
          </span>
        )}
      </td>
      <td class="endpoint">{s.protocol === 'sqs' ? arnName(s.endpoint) : s.endpoint}</td>
      <td>{s.confirmed ? 'confirmed' : <span class="warn">pending confirmation</span>}</td>
      <td>
        {s.filterPolicy ? (
          <>
            <code class="policy">{s.filterPolicy}</code>
            {s.filterPolicyScope === 'MessageBody' && <span class="muted small"> on the body</span>}
          </>
        ) : (
          <span class="muted">every message</span>
        )}
      </td>
      <td>
        <Delivery s={s} now={now} />
        {s.deadLetterTargetArn && <div class="muted small">DLQ {arnName(s.deadLetterTargetArn)}</div>}
      </td>
    </tr>
  );
}

function Delivery({ s, now }: { s: SubscriptionView; now: number }) {
  if (s.protocol === 'sqs') return <span class="muted">with the publish</span>;
  const d = s.delivery;
  if (!d) return <span class="ok">all delivered</span>;
  return (
    <span class={d.maxAttempts > 0 ? 'warn' : undefined}>
      {count(d.pending)} pending
      {d.maxAttempts > 0 && `, ${d.maxAttempts} attempt${d.maxAttempts === 1 ? '' : 's'} failed`}
      {`, next ${relative(d.nextDueAt, now)}`}
    </span>
  );
}
