/**
 * Time, injected. Everything in the broker that depends on time (visibility timeouts, delays,
 * long-poll deadlines, retention, dedup windows, SNS retries) asks a {@link Clock}, so tests can move
 * time forward with {@link TestClock.advance} instead of sleeping. One clock for the whole project:
 * the framework's, so a `TestClock` drives a broker and a listener together.
 */
export { type Clock, systemClock, TestClock, type Timer } from 'sqs-mega/core';
