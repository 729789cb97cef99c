/** Kafka record headers Cuewire sets, named once for the writer and the reader. */
export const RecordHeaders = {
  /**
   * On webhook requests: the webhook the request is for. The dispatcher orders deliveries by
   * customer (the record key) and this, so one customer's messages to one endpoint stay in order
   * while a slow endpoint never holds that customer's deliveries to the others.
   */
  webhookId: 'cw-webhook-id',
} as const;
