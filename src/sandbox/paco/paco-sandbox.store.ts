import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { InMemoryReplayStore } from '../../crypto/replay.store.js';
import { SandboxClock } from '../sandbox.clock.js';
import {
  PACO_NOTIFICATION_MODES,
  type PacoCodeName,
  type PacoJournalOperation,
  type PacoNotificationMode,
  type PacoOperation,
  type PacoResult,
  type PacoState,
} from './paco-sandbox.constants.js';
import type { PacoAmount } from './paco-sandbox.money.js';

export interface NotificationUrls {
  confirmationURL?: string;
  failedURL?: string;
  cancellationURL?: string;
  backendURL?: string;
}

export interface PacoOrder {
  orderNo: string;
  officeId: string;
  /** The merchant (by token) whose request made it: notifications are sealed to its keys. Never shown. */
  merchantToken: string;
  controllerInternalID: string;
  productDescription: string;
  channel: 'hosted' | 'nonUi';
  state: PacoState;
  amount: PacoAmount;
  settledMinor: number;
  refundedMinor: number;
  refundCount: number;
  /** The outcome the payment will take (card rule or forced), once a card is known. */
  planned?: PacoResult;
  cardLast4?: string;
  approvalCode?: string;
  /** The code of the last payment event (for status replies and notifications). */
  lastCode: PacoCodeName;
  urls: NotificationUrls;
  createdAt: number;
  updatedAt: number;
  /** Hosted page: open until then. */
  pageValidTill?: number;
  /** Pending payment: turns failed (acquirer timeout) then, unless an outcome is forced first. */
  dueAt?: number;
  history: Array<{ at: number; state: PacoState }>;
}

export interface JournalEntry {
  at: string;
  direction: 'in' | 'out';
  method: string;
  path: string;
  operation: PacoJournalOperation;
  status: number | null;
  responseCode?: string;
  orderNo?: string;
  cardLast4?: string;
  outcome?: 'dropped' | 'failed' | 'skipped';
  error?: string;
  copy?: number;
  durationMs?: number;
}

export interface FailureHook {
  operation: PacoOperation;
  httpStatus?: number;
  responseCode?: string;
  drop?: boolean;
  delayMs?: number;
}

export interface ArmedOutcome {
  orderNo?: string;
  cardNumber?: string;
  result: PacoResult;
}

export interface NotificationPolicy {
  mode: PacoNotificationMode;
  delayMs: number;
  times: number;
}

const DEFAULT_POLICY: NotificationPolicy = { mode: 'deliver', delayMs: 0, times: 1 };
const JOURNAL_MAX = 1000;

/**
 * All of the emulator's state, in memory: orders (keyed by officeId + orderNo), the replay store of
 * requestMessageIDs, the journal, armed failures and outcomes, the notification mode and the clock.
 */
@Injectable()
export class PacoSandboxStore {
  private orders = new Map<string, PacoOrder>();
  private journal: JournalEntry[] = [];
  private failures: FailureHook[] = [];
  private outcomes: ArmedOutcome[] = [];
  private policy: NotificationPolicy = { ...DEFAULT_POLICY };
  /** requestMessageID replay memory, on the wall clock like the JWT exp it is kept for (time/advance does not touch it). */
  replay: InMemoryReplayStore;

  constructor(private readonly clock: SandboxClock) {
    this.replay = this.newReplayStore();
  }

  now(): number {
    return this.clock.now();
  }

  advance(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  // ---- orders ----

  findOrder(officeId: string, orderNo: string): PacoOrder | undefined {
    return this.orders.get(orderKey(officeId, orderNo));
  }

  findByOrderNo(orderNo: string): PacoOrder[] {
    return [...this.orders.values()].filter((o) => o.orderNo === orderNo);
  }

  findById(controllerInternalID: string): PacoOrder | undefined {
    return [...this.orders.values()].find((o) => o.controllerInternalID === controllerInternalID);
  }

  listOrders(): PacoOrder[] {
    return [...this.orders.values()];
  }

  /** Adds an order; false when officeId + orderNo exists (PACO refuses duplicate orderNo). */
  addOrder(order: Omit<PacoOrder, 'controllerInternalID' | 'createdAt' | 'updatedAt' | 'history' | 'settledMinor' | 'refundedMinor' | 'refundCount'>): PacoOrder | undefined {
    const key = orderKey(order.officeId, order.orderNo);
    if (this.orders.has(key)) return undefined;
    const now = this.now();
    const created: PacoOrder = {
      ...order,
      controllerInternalID: randomBytes(16).toString('hex'),
      settledMinor: 0,
      refundedMinor: 0,
      refundCount: 0,
      createdAt: now,
      updatedAt: now,
      history: [{ at: now, state: order.state }],
    };
    this.orders.set(key, created);
    return created;
  }

  transition(order: PacoOrder, state: PacoState, code: PacoCodeName): void {
    order.state = state;
    order.lastCode = code;
    order.updatedAt = this.now();
    order.history.push({ at: order.updatedAt, state });
  }

  /** Pending orders whose acquirer timeout has passed. */
  dueOrders(): PacoOrder[] {
    const now = this.now();
    return [...this.orders.values()].filter((o) => o.state === 'pending' && o.dueAt !== undefined && o.dueAt <= now);
  }

  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const o of this.orders.values()) if (o.state === 'pending' && o.dueAt !== undefined && (next === undefined || o.dueAt < next)) next = o.dueAt;
    return next;
  }

  // ---- hooks ----

  armFailure(hook: FailureHook): number {
    this.failures.push(hook);
    return this.failures.length;
  }

  takeFailure(operation: PacoOperation): FailureHook | undefined {
    const index = this.failures.findIndex((f) => f.operation === operation);
    return index < 0 ? undefined : this.failures.splice(index, 1)[0];
  }

  armOutcome(outcome: ArmedOutcome): number {
    this.outcomes.push(outcome);
    return this.outcomes.length;
  }

  /** The first armed outcome for this order or card, else one armed for any payment. */
  takeOutcome(orderNo: string, cardNumber?: string): PacoResult | undefined {
    let index = this.outcomes.findIndex((o) => o.orderNo === orderNo || (cardNumber !== undefined && o.cardNumber === cardNumber));
    if (index < 0) index = this.outcomes.findIndex((o) => o.orderNo === undefined && o.cardNumber === undefined);
    return index < 0 ? undefined : this.outcomes.splice(index, 1)[0]!.result;
  }

  queuedOutcomes(): number {
    return this.outcomes.length;
  }

  setPolicy(policy: NotificationPolicy): NotificationPolicy {
    if (!PACO_NOTIFICATION_MODES.includes(policy.mode)) throw new Error('unknown mode');
    this.policy = { ...policy };
    return { ...this.policy };
  }

  getPolicy(): NotificationPolicy {
    return { ...this.policy };
  }

  // ---- journal ----

  record(entry: JournalEntry): void {
    this.journal.push(entry);
    if (this.journal.length > JOURNAL_MAX) this.journal.shift();
  }

  listRequests(operation?: string): JournalEntry[] {
    return this.journal.filter((e) => operation === undefined || e.operation === operation).map((e) => ({ ...e }));
  }

  reset(): void {
    this.orders.clear();
    this.journal = [];
    this.failures = [];
    this.outcomes = [];
    this.policy = { ...DEFAULT_POLICY };
    this.clock.reset();
    this.replay = this.newReplayStore();
  }

  private newReplayStore(): InMemoryReplayStore {
    return new InMemoryReplayStore();
  }
}

function orderKey(officeId: string, orderNo: string): string {
  return `${officeId}\u0000${orderNo}`;
}
