package dev.twitterarch.common.testing;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules, as a test every module runs (one empty subclass in each step's tests):
 * <ul>
 *   <li>step N's code uses common and, at most, step N-1: never another step;</li>
 *   <li>common uses no step ({@link #commonUsesNoStep()}, run by common's own test).</li>
 * </ul>
 * The step is read from the subclass's package ({@code dev.twitterarch.step5} is step 5). Only
 * production classes are checked: tests may reach anywhere they need to.
 */
public abstract class ModuleRules {

    static final String COMMON = "dev.twitterarch.common..";
    static final String MESSAGING = "dev.twitterarch.messaging..";

    private static JavaClasses productionClasses() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.twitterarch");
    }

    /** Step N may build on common and on step N-1, and on nothing else of this project. */
    public static ArchRule stepRule(int step) {
        List<String> allowed = new ArrayList<>(List.of(COMMON, MESSAGING, "dev.twitterarch.step" + step + ".."));
        if (step > 1) {
            allowed.add("dev.twitterarch.step" + (step - 1) + "..");
        }
        return classes().that().resideInAPackage("dev.twitterarch.step" + step + "..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.twitterarch..")
                        .or(resideInAnyPackage(allowed.toArray(String[]::new)))
                        .as(step > 1 ? "are in common or in step " + (step - 1) : "are in common"))
                .because("a step holds its own lesson and builds on the step directly before it, never on any other");
    }

    public static ArchRule commonRule() {
        return noClasses().that().resideInAnyPackage(COMMON, MESSAGING)
                .should().dependOnClassesThat(describe("a step", c -> c.getPackageName().matches("dev\\.twitterarch\\.step\\d+(\\..*)?")))
                .because("common holds what every step needs and knows no step");
    }

    private int step() {
        String name = getClass().getPackageName();
        return Integer.parseInt(name.substring("dev.twitterarch.step".length()).split("\\.")[0]);
    }

    @Test
    void usesOnlyCommonAndThePreviousStep() {
        stepRule(step()).check(productionClasses());
    }

    @Test
    void commonUsesNoStep() {
        commonRule().check(productionClasses());
    }
}
