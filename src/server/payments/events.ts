/**
 * What the shop hears of a transition (issue 21): the event the store writes in the transition's own
 * transaction, made of the row that moved (the attempt as result-url shows it) plus what its type adds.
 * Which transition is told as which type is events/types.ts's TRANSITION_EVENTS.
 */
import { TRANSITION_EVENTS, type EventData, type EventType } from '../events/types.js';
import type { PayTransition, TransitionName } from '../state.js';
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
