// Lambda wiring: metrics as EMF lines (for the functions that count something).
import { EmfMetrics } from '../emf-metrics';

export const emfMetrics = () => new EmfMetrics();
