/** What the SigV4 credential scope of a request says about its sender. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const HEADER_SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/**
 * The credential scope of a signed request: from the `Authorization` header, or from the
 * `X-Amz-Credential` parameter of a presigned URL. Undefined for unsigned requests.
 */
export function credentialScope(
  authorization: string | undefined,
  query?: URLSearchParams,
): CredentialScope | undefined {
  let scope: string[] | undefined;
  if (authorization) {
    const match = HEADER_SCOPE.exec(authorization);
    if (match) scope = match.slice(1);
  } else {
    const credential = query?.get('X-Amz-Credential');
    const parts = credential?.split('/');
    if (parts?.length === 5 && parts[4] === 'aws4_request') scope = parts.slice(0, 4);
  }
  if (!scope) return undefined;
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return { accessKeyId, date, region, service };
}
