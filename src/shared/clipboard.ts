// usage: copyToClipboard(text).then((copied) => ...)   // false: the caller offers the text to copy by hand
//
// Browsers refuse the async clipboard API without a secure context, without permission, or after
// a user gesture has expired; none of those is an error worth more than a manual fallback.
export function copyToClipboard(text: string): Promise<boolean> {
  return Promise.resolve()
    .then(() => navigator.clipboard.writeText(text))
    .then(
      () => true,
      () => false,
    );
}
