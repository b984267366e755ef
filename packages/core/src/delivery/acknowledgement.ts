// End-to-end acknowledgement: a collector that must know when a batch is delivered (a broker
// consumer that acknowledges a message only then) attaches an Acknowledgement to the batch. The
// acknowledgement travels with the batch's parts through fan-out, processors and the batch
// processor, and settles once every exporter node that got a part has delivered it (resolves),
// or as soon as one part is lost (rejects). It is reference-counted: every part in flight holds
// one reference; whoever holds a part releases it (delivered, or filtered out) or fails it.

import type { Consumer } from '../component/consumer.ts';
import { errorMessage, WasmpipeError } from '../errors/errors.ts';
import type { BatchOf } from '../model/batch.ts';
import type { Signal } from '../model/common.ts';

/** Where a batch carries its acknowledgements (a non-enumerable property: copies and JSON skip it). */
export const ACKNOWLEDGEMENTS: unique symbol = Symbol.for('wasmpipe.batch.acknowledgements');

/** Where an acknowledgement is in its life. */
export type AcknowledgementState = 'pending' | 'delivered' | 'failed';

/**
 * Settles when every part of one batch has been delivered by every exporter of every pipeline
 * it went to (`settled` resolves), or when one part was lost (`settled` rejects with why).
 * It starts with one reference: the one handed over with the batch.
 */
export class Acknowledgement {
  /** Resolves when delivered; rejects with the first failure. Never an unhandled rejection. */
  readonly settled: Promise<void>;
  #references = 1;
  #state: AcknowledgementState = 'pending';
  #resolve!: () => void;
  #reject!: (reason: unknown) => void;

  constructor() {
    this.settled = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Marks the promise handled; whoever awaits it still sees the rejection.
    this.settled.catch(() => {});
  }

  /** Where this acknowledgement is. */
  get state(): AcknowledgementState {
    return this.#state;
  }

  /** Parts still in flight. */
  get references(): number {
    return this.#references;
  }

  /** A new part of the batch is in flight (fan-out, a processor's output, a buffered copy). */
  hold(count = 1): void {
    if (this.#state === 'pending') this.#references += count;
  }

  /** A part is done: delivered, or filtered out on purpose. The last one delivers the batch. */
  release(): void {
    if (this.#state !== 'pending') return;
    this.#references--;
    if (this.#references > 0) return;
    this.#state = 'delivered';
    this.#resolve();
  }

  /** A part was lost (dropped, refused, failed for good): the batch is not delivered. Idempotent. */
  fail(reason: unknown): void {
    if (this.#state !== 'pending') return;
    this.#state = 'failed';
    this.#references = 0;
    this.#reject(reason);
  }
}

type Carrier = { [ACKNOWLEDGEMENTS]?: readonly Acknowledgement[] };

const NONE: readonly Acknowledgement[] = Object.freeze([]);

/** The acknowledgements a batch carries (none for a batch nobody waits on). */
export function acknowledgementsOf(batch: object): readonly Acknowledgement[] {
  return (batch as Carrier)[ACKNOWLEDGEMENTS] ?? NONE;
}

/**
 * Makes `batch` carry these acknowledgements (replacing what it carried) and returns it. This
 * takes no reference: whoever hands the batch on holds one per acknowledgement.
 */
export function withAcknowledgements<T extends object>(batch: T, acknowledgements: Iterable<Acknowledgement>): T {
  const unique = [...new Set(acknowledgements)];
  if (unique.length === 0 && !(ACKNOWLEDGEMENTS in batch)) return batch;
  Object.defineProperty(batch, ACKNOWLEDGEMENTS, { value: unique, configurable: true, writable: true });
  return batch;
}

/**
 * For a processor that answers with a new batch object: makes `to` carry what `from` carried.
 * A processor that calls its next consumer inside its own `consume` call needs no help (the
 * runtime attributes its output to the batches it is working on); one that emits later (it
 * buffers) must carry the acknowledgements and hold them while it buffers, as `batch` does.
 */
export function carryAcknowledgements<T extends object>(from: object, to: T): T {
  const carried = acknowledgementsOf(from);
  if (carried.length === 0 || from === to) return to;
  return withAcknowledgements(to, [...acknowledgementsOf(to), ...carried]);
}

/** Releases one reference of each. */
export function releaseAll(acknowledgements: readonly Acknowledgement[]): void {
  for (const acknowledgement of acknowledgements) acknowledgement.release();
}

/** Fails each. */
export function failAll(acknowledgements: readonly Acknowledgement[], reason: unknown): void {
  for (const acknowledgement of acknowledgements) acknowledgement.fail(reason);
}

/** Holds one more reference on each. */
export function holdAll(acknowledgements: readonly Acknowledgement[], count = 1): void {
  for (const acknowledgement of acknowledgements) acknowledgement.hold(count);
}

/** What {@link consumeAcknowledged} returns: the hand-off and the delivery, as two promises. */
export interface Handover {
  /** Settles as `consume*` does: when every pipeline took the batch (late under backpressure). */
  readonly accepted: Promise<void>;
  /**
   * Resolves when every exporter of every pipeline delivered every part of the batch (a batch
   * filtered out entirely counts as delivered); rejects with the reason when one part was lost.
   */
  readonly delivered: Promise<void>;
}

/**
 * Hands a batch to a collector's consumer and tells the collector when it is delivered end to
 * end: the way a broker consumer learns when to acknowledge a message. Needs the runtime's
 * wiring (a `Service`); a consumer outside it that ignores acknowledgements never settles one.
 */
export function consumeAcknowledged<S extends Signal>(consumer: Consumer, signal: S, batch: BatchOf[S]): Handover {
  const acknowledgement = new Acknowledgement();
  withAcknowledgements(batch, [acknowledgement]);
  let handing: Promise<void> | undefined;
  try {
    handing =
      signal === 'metrics'
        ? consumer.consumeMetrics?.(batch as BatchOf['metrics'])
        : consumer.consumeLogs?.(batch as BatchOf['logs']);
  } catch (error) {
    handing = Promise.reject(error);
  }
  if (handing === undefined) {
    acknowledgement.release(); // nobody takes this signal: nothing to deliver
    handing = Promise.resolve();
  }
  const accepted = handing.catch((error: unknown) => {
    acknowledgement.fail(error);
    throw error;
  });
  accepted.catch(() => {});
  return { accepted, delivered: acknowledgement.settled };
}

/** The error an acknowledgement fails with when an exporter lost its part of the batch. */
export function lostError(exporterId: string, why: string, cause?: unknown): WasmpipeError {
  const detail = cause === undefined ? '' : ` (${errorMessage(cause)})`;
  return new WasmpipeError(`Exporter ${exporterId} did not deliver the batch: ${why.replace(/\.$/, '')}${detail}.`, {
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}
