import type { RawEvent } from '@tapio/domain';

export function dataOf(event: RawEvent): Record<string, any> {
  return event.data as Record<string, any>;
}
