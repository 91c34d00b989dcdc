/** A pod worth asking about (the sandbox's scenarios), listed on the welcome and help cards with what it shows. */
export interface SamplePod {
  pod: string;
  namespace: string;
  title: string;
}
