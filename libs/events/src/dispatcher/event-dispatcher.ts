import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Metrics } from '@app/metrics';
import { envelopeOf } from '../envelope';
import { SIGNATURE_HEADER, signatureHeader } from '@app/client';
import { AttemptResult, ClaimedDelivery, DeliveryQueueRepository } from './delivery-queue.repository';
import { HookTargetPolicy } from '../hooks/hook-target-policy';
import { postJson } from './post-json';
import { AttemptOutcome, judgeAttempt, RetryPolicy } from './retry-policy';

const BATCH = 200;

/**
 * Delivers hook deliveries in the background of each service process, apart from the commands that
 * wrote them (a slow receiver never slows a command). Processes share the queue through the database.
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventDispatcher');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly queue: DeliveryQueueRepository,
    private readonly config: AppConfig,
    private readonly targets: HookTargetPolicy,
    private readonly metrics: Metrics,
  ) {}

  private get policy(): RetryPolicy {
    const c = this.config.delivery;
    return {
      maxAttempts: c.maxAttempts,
      maxAgeSeconds: c.maxAgeSeconds,
      baseDelaySeconds: c.retryBaseSeconds,
      maxDelaySeconds: c.retryMaxSeconds,
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.delivery.dispatcherEnabled) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const delivered = await this.dispatchOnce().catch((error: unknown) => {
        this.logger.error(`Dispatch failed: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      });
      if (delivered < BATCH && this.running) await this.pause(this.config.delivery.pollIntervalSeconds * 1000);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One round: claim a batch and attempt each delivery. Returns how many were attempted. */
  async dispatchOnce(): Promise<number> {
    // Long enough for an attempt to time out and be recorded; a dead process's deliveries come back after it.
    const leaseSeconds = this.config.delivery.timeoutSeconds * 2 + 5;
    const batch = await this.queue.claim(BATCH, leaseSeconds);
    // Outcomes are recorded together, in one statement, once every attempt of the batch has ended.
    await this.queue.record(await Promise.all(batch.map((delivery) => this.attempt(delivery))));
    return batch.length;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const outcome = await this.post(delivery);
    const attempt = {
      status: 'status' in outcome ? outcome.status : null,
      error: 'error' in outcome ? outcome.error : null,
    };
    const ageSeconds = (Date.now() - delivery.createdAt.getTime()) / 1000;
    const verdict = judgeAttempt(this.policy, outcome, delivery.attempts, ageSeconds);
    this.metrics.deliveries.inc({ result: verdict.kind });
    if (verdict.kind === 'dead')
      this.logger.warn(
        `Delivery ${delivery.id} of event ${delivery.event.id} to hook ${delivery.hook.name} dead-lettered: ${verdict.why}`,
      );
    return { id: delivery.id, attempts: delivery.attempts, attempt, verdict };
  }

  /** Checked against the policy again at every attempt (DNS may have changed), then sent to the address checked. */
  private async post({ hook, event, attempts }: ClaimedDelivery): Promise<AttemptOutcome> {
    const target = await this.targets.target(hook.url);
    if ('refused' in target) return { refused: `refused by policy: ${target.refused}` };
    if ('unresolved' in target) return { error: target.unresolved };
    const body = JSON.stringify(envelopeOf(event));
    return postJson(hook.url, target, body, this.config.delivery.timeoutSeconds * 1000, {
      'user-agent': 'bare-metal-allocator/1.0',
      'x-event-id': event.id,
      'x-event-type': event.type,
      'x-delivery-attempt': String(attempts),
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(hook.secret, body),
    });
  }
}
