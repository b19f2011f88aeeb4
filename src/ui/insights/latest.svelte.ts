/**
 * The latest stability check of the open notebook, so the Segments cell's advice on the number
 * of segments can say which segments are unstable (the check itself runs for the Personas cell,
 * on the segments as they are). One notebook is open at a time; a new check replaces the last.
 */
import type { StabilityReport } from '../../engine/insight-api';

export const latestStability: { report: StabilityReport | null } = $state({ report: null });
