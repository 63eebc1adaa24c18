// Lambda wiring: metrics as EMF lines (imported by the functions that count something).
import { provide } from '../container';
import { EmfMetrics } from '../emf-metrics';

provide('metrics', () => new EmfMetrics());
