/**
 * What the shop hears of a transition (issue 21): the event the store writes in the transition's own
 * transaction, made of the row that moved (the attempt as result-url shows it) plus what its type adds.
 * Which transition is told as which type is events/types.ts's TRANSITION_EVENTS.
 */
import { TRANSITION_EVENTS, type EventData, type EventType } from '../events/types.js';
import type { PayTransition, TransitionName } from '../state.js';
import type { CancelEventsOf } from '../store/cancels.js';
import type { EventsOf } from '../store/types.js';
import { view } from './views.js';

/** The events callback for one event of `type` (undefined: the transition tells nothing). */
export function eventsOf(type: EventType | undefined, extra: Partial<EventData> = {}): EventsOf | undefined {
  if (!type) return undefined;
  return (row) => [{ type, order_id: row.order_id, order_no: row.order_no, provider: row.provider, data: { ...view(row), ...extra } }];
}

/** The events of a transition, or undefined when the shop is not told of it (claim, lose, refute, report, close). */
export function transitionEvents(name: TransitionName | PayTransition): EventsOf | undefined {
  return eventsOf(TRANSITION_EVENTS[name]);
}

/** Whether a transition writes an event (then this instance's relay is woken once it is committed). */
export function tells(name: TransitionName | PayTransition): boolean {
  return TRANSITION_EVENTS[name] !== undefined;
}

/**
 * payment.refunded (issue 22), for every cancel recorded done: `data` is the payment's result view after it
 * (`refunded` when nothing is left, else `paid` with refunded_total and balance) plus the cancel. A refund_due
 * entry's cancel (source 'due') carries the view of the attempt that money came with, as refund.due did.
 */
export const refundedEvents: CancelEventsOf = ({ cancel, money, attempt }) => {
  if (!attempt) return [];
  const data: EventData = {
    ...view(attempt, money),
    cancel: {
      id: cancel.id,
      tid: cancel.tid,
      amount: cancel.amount,
      taxfree_amount: cancel.taxfree_amount,
      vat_amount: cancel.vat_amount,
      kind: cancel.kind,
      source: cancel.source,
      reason: cancel.reason,
      pg_cancel_id: cancel.pg_cancel_id,
      pg_cancelled_at: cancel.pg_cancelled_at,
    },
  };
  return [{ type: 'payment.refunded', order_id: attempt.order_id, order_no: attempt.order_no, provider: attempt.provider, data }];
};
