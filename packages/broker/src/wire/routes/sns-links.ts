import { AwsError, snsErrors } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { confirmSubscription, unsubscribe } from '../../sns/actions/subscriptions.js';
import { CERTIFICATE_PREFIX } from '../../sns/signing.js';
import type { SnsState } from '../../sns/state.js';
import type { RequestContext } from '../../sqs/types.js';
import type { WireResponse } from '../json.js';
import { asAwsError, queryError, queryOk } from '../query-responses.js';
import type { WireRequest } from '../route.js';

/** Whether a request is for one of the unsigned SNS routes under `/sns/` (GETs only). */
export function isSnsLinkRequest(request: WireRequest): boolean {
  return request.path.startsWith('/sns/') && request.method === 'GET';
}

/**
 * The unsigned SNS routes: the signing certificate, and the links SNS puts in what it delivers
 * (`/sns/confirm`, authenticated by the subscription's token, and `/sns/unsubscribe`).
 */
export async function routeSnsLink(
  request: WireRequest,
  ctx: RequestContext,
  sns: SnsState,
  logger: Logger,
  requestId: string,
): Promise<WireResponse> {
  const q = request.query;
  // the certificate's name comes from the certificate: only a request for one makes the identity
  if (request.path.startsWith(`/sns/${CERTIFICATE_PREFIX}`) && request.path === `/sns/${sns.certificateFile}`)
    return {
      status: 200,
      headers: { 'content-type': 'application/x-pem-file' },
      body: sns.config.identity().certPem,
    };
  try {
    if (request.path === '/sns/confirm') {
      const output = await confirmSubscription(sns, ctx, {
        TopicArn: q.get('TopicArn'),
        Token: q.get('Token'),
      });
      return queryOk('sns', 'ConfirmSubscription', output, requestId);
    }
    if (request.path === '/sns/unsubscribe') {
      const subscription = sns.findSubscription(q.get('SubscriptionArn') ?? '');
      if (!subscription || subscription.token !== q.get('Token')) throw snsErrors.notFound('Subscription');
      return queryOk(
        'sns',
        'Unsubscribe',
        await unsubscribe(sns, ctx, { SubscriptionArn: subscription.arn }),
        requestId,
      );
    }
  } catch (error) {
    return queryError(asAwsError(error, logger, request.path), requestId, 'sns');
  }
  return queryError(new AwsError('NotFound', 'No such SNS link.', 404), requestId, 'sns');
}
