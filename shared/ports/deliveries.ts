/**
 * Exactly-once-ish delivery for consumers that talk to the outside world (email, SMS). A consumer
 * claims a key made of the event id, the recipient and the channel before sending, completes it
 * after, and releases it when sending failed, so a redelivered message sends only if nothing was
 * sent. A claim whose worker died is taken over after its lease.
 */
export interface DeliveryLog {
  /** True when this caller may deliver; false when it was delivered or another worker holds it. */
  begin(key: string, leaseSeconds?: number): Promise<boolean>;
  /**
   * Records the delivery as sent. Never throws: the message is already out, and failing the
   * caller would make its queue message retry and send it again. An unrecorded delivery is logged.
   */
  complete(key: string, messageId: string): Promise<void>;
  release(key: string): Promise<void>;
}
