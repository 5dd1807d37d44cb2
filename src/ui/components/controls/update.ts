// How a settings panel changes the experiment on screen: it hands `update` a change, which is
// applied only when the whole experiment still validates (the answer says whether it was). Its own
// module so the panels (SharedSettings, CustomText, MethodList) share it without importing each other.
import type { ExperimentConfig } from '../../../experiment/config';

export type Update = (change: (c: ExperimentConfig) => ExperimentConfig) => boolean;
