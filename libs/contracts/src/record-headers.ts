/** Kafka record headers Cuewire sets, named once for the writer and the reader. */
export const RecordHeaders = {
  /**
   * On webhook requests: the webhook the request is for. The dispatcher orders deliveries by
   * customer (the record key) and this, so one customer's messages to one endpoint stay in order
   * while a slow endpoint never holds that customer's deliveries to the others.
   */
  webhookId: 'cw-webhook-id',
  /**
   * On webhook requests rendered as an item of a batch ("1"). The dispatcher does not order such
   * records by customer in its consume loop: a record completes only when its batch is
   * delivered, so ordering would leave one item per customer in each batch.
   */
  batchItem: 'cw-batch-item',
} as const;
