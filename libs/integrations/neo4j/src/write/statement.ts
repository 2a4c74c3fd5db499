/** One Cypher statement of a batch's transaction. */
export interface Statement {
  text: string;
  params: Record<string, unknown>;
  /**
   * The statements to run right after this one, from the rows it returned (before any later
   * statement of the batch is sent): what the database reported missing, made good in order.
   */
  followUp?: (rows: ReadonlyArray<{ id: string; key: string }>) => Statement[];
}
