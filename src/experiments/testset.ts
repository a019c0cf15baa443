/** The test images a sweep restores and scores (defined in src/datasets, where rddm's CLI also reads them). */
export { pickEvenly, selectTestPairs } from '../datasets/testset.js';
