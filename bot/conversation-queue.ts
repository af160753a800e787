/**
 * Turns of one conversation, one after another within this process.
 *
 * Conversation state is saved optimistically (TurnStore.commit fails with StateConflictError
 * when another turn committed first), and a losing turn is run again. Two turns of the same
 * conversation inside one process gain nothing from racing: one of them is bound to be
 * thrown away. Queuing them here leaves at most one contender per process, so conflicts
 * (and retries) happen only between processes sharing a database.
 */
export class ConversationQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
