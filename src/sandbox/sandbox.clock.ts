import { Injectable } from '@nestjs/common';

/**
 * An emulator's time: the wall clock plus an offset the control API can advance. Virtual time
 * runs at the real rate (a running app sees things expire or turn final on their own) and can
 * jump ahead at once, so expiries and delays are testable. Each emulator module has its own.
 */
@Injectable()
export class SandboxClock {
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
