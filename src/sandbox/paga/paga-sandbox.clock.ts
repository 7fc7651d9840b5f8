import { Injectable } from '@nestjs/common';

/** The emulator's time: the wall clock plus an offset the control API can advance, so expiry is testable. */
@Injectable()
export class PagaSandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
