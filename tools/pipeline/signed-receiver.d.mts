/** The fault suite's verifying receiver (signed-receiver.mjs). */
export class SignedReceiver {
  constructor(secret: string);
  start(port?: number): Promise<SignedReceiver>;
  readonly url: string;
  readonly unique: number;
  readonly duplicates: number;
  close(): Promise<void>;
}
