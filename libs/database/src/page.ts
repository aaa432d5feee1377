/** Which rows of a list to read: `results` rows from row `start`. */
export interface Slice {
  start: number;
  results: number;
}

/** The rows read and how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
}
