/**
 * The error of the queue room: a queue that cannot be reached or used, told in one line that
 * names the server (host and port, never the password) or the directory of an embedded one.
 *
 * @module
 */

/** A queue that cannot be reached or used; the message names the server or directory. */
export class QueueError extends Error {
  /** Always "QueueError". */
  override name = 'QueueError';
}
