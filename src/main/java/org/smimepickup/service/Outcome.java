package org.smimepickup.service;

/** Where one inbox file ended up after an attempt. */
public enum Outcome {
    DONE, FAILED, DEFERRED, SKIPPED
}
