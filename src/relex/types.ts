/** Public types of the relex families' relation API (`predictRelations`, `batchPredictRelations`). */
import type { Entity, PredictOptions } from "../types.js";

/** One end of a relation: an entity of the same result, by position in `entities`. UTF-16 offsets. */
export interface RelationEntity {
  start: number;
  end: number;
  text: string;
  /** The entity's label. */
  type: string;
  /** Index of this entity in the result's `entities`. */
  entityIdx: number;
}

export interface EntityRelation {
  head: RelationEntity;
  tail: RelationEntity;
  relation: string;
  /** Probability of the relation, a float32 value as the reference reports it. */
  score: number;
}

export interface RelationPrediction {
  /** Entities sorted by start, as `predictEntities` returns them. */
  entities: Entity[];
  /** In the reference's order: pairs (head-major), then relation labels; not sorted by score. */
  relations: EntityRelation[];
}

export interface RelationPredictOptions
  extends Pick<PredictOptions, "flatNer" | "multiLabel" | "batchSize" | "truncation" | "window" | "overlap" | "wordSplitter" | "onTruncate" | "signal"> {
  /** Entity threshold; also selects the spans the model pairs (default 0.5). */
  threshold?: number;
  /**
   * Entity thresholds of single labels, overriding `threshold` for them (as in `predictEntities`). The model pairs
   * the spans above the lowest entity threshold of the text's labels; a relation is returned when both its ends
   * are returned entities (docs/relex.md).
   */
  labelThresholds?: PredictOptions["labelThresholds"];
  /** Relation threshold (default: `threshold`, as the reference). */
  relationThreshold?: number;
  /** Pair filter inside the model (default: `threshold`, as the reference). */
  adjacencyThreshold?: number;
  /**
   * Drop repeated (head, relation, tail) triples (keeping the best score) and relations of an entity with itself.
   * Default false: the reference's output, where token-level relex models repeat a span once per label that fires
   * and can relate it to itself.
   */
  uniqueRelations?: boolean;
}

export interface RelationStreamOptions extends RelationPredictOptions {
  /** Texts read ahead and run together (default 256), as `stream`'s. Memory holds at most this many texts and results. */
  lookAhead?: number;
}

/** One text's result of `streamRelations`: `index` is its position in the stream, `id` the record's id. */
export interface RelationStreamResult extends RelationPrediction {
  readonly index: number;
  readonly id: unknown;
  /** Words of the text, words the model read, whether it was truncated, model passes (as `stream`'s results). */
  readonly words: number;
  readonly modelWords: number;
  readonly truncated: boolean;
  readonly passes: number;
}
