/**
 * A retry, a parked delivery or a replay carries the URL rendered under the webhook's revision of
 * that time, while the dispatcher applies the credentials of the webhook as it is now. When the
 * webhook has since moved to another host, sending would hand its new token to the old host.
 * This says whether a request may go out with the current credentials.
 */
export type RevisionVerdict = { readonly send: true } | { readonly send: false; readonly reason: string };

/** The fixed origin of a URL template (scheme, host, port), or undefined when the host is templated. */
export function templateOrigin(urlTemplate: string): string | undefined {
  const fixed = urlTemplate.split('{{')[0];
  const hostEnd = fixed.indexOf('/', fixed.indexOf('//') + 2);
  // The whole authority must be free of template expressions to be known.
  if (fixed.indexOf('//') < 0 || hostEnd < 0) {
    if (fixed !== urlTemplate) return undefined;
  }
  try {
    return new URL(hostEnd < 0 ? fixed : fixed.slice(0, hostEnd)).origin;
  } catch {
    return undefined;
  }
}

export function mayUseCurrentCredentials(
  request: { readonly url: string; readonly webhookRevision: number },
  webhook: { readonly id: string; readonly url: string; readonly revision: number; readonly auth: { readonly type: string } },
): RevisionVerdict {
  if (request.webhookRevision === webhook.revision || webhook.auth.type === 'none') return { send: true };
  const now = templateOrigin(webhook.url);
  let then: string;
  try {
    then = new URL(request.url).origin;
  } catch {
    return { send: true }; // an unparsable URL fails in the HTTP client with its own reason
  }
  if (now === undefined || now === then) return { send: true };
  return {
    send: false,
    reason: `webhook ${webhook.id} moved from ${then} to ${now} after this request was rendered (revision ${request.webhookRevision}, now ${webhook.revision}); not sent to the old host with the current credentials. Replay it to render it for the new one.`,
  };
}
