/** The Keel UI: routes of the single-page app under /ui/. */
import { renderSession } from './lib/auth.js';
import { route, start } from './lib/router.js';
import { comparePage } from './pages/compare.js';
import { deploymentPage, deploymentsPage } from './pages/deployments.js';
import { experimentsPage } from './pages/experiments.js';
import { modelPage, modelsPage } from './pages/models.js';
import { overviewPage } from './pages/overview.js';
import { reportPage, reportsPage } from './pages/reports.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { versionPage } from './pages/version.js';

route('/', 'overview', overviewPage);
route('/experiments', 'experiments', experimentsPage);
route('/experiments/:name', 'experiments', runsPage);
route('/runs', 'experiments', runsPage);
route('/runs/:id', 'experiments', runPage);
route('/compare', 'experiments', comparePage);
route('/models', 'models', modelsPage);
route('/models/:name', 'models', modelPage);
route('/models/:name/versions/:version', 'models', versionPage);
route('/deployments', 'deployments', deploymentsPage);
route('/deployments/:name', 'deployments', deploymentPage);
route('/reports', 'reports', reportsPage);
route('/reports/:file', 'reports', reportPage);

renderSession();
start();
