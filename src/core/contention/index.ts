export { explain, MAX_BLOCKERS, REPLAY_BUDGET, type Blocker, type Explanation } from './explain.js';
export { contention, MAX_DEMANDS, type ContentionReport, type TypePressure } from './report.js';
export { DemandScratch, type Demand } from './demands.js';
export { EXPLAIN_REASONS, Reasons, type ExplainReason } from './reasons.js';
export type { ContentionView, Due, Holding } from './view.js';
