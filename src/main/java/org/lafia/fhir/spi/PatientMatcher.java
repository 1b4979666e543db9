package org.lafia.fhir.spi;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * {@code Patient/$match}, answered by the client registry. The FHIR module authenticates, checks
 * the caller may search Patients, and hands the matcher a search run as the caller: candidates
 * come only from the records the caller may see, so a match never reveals a person they may not.
 */
public interface PatientMatcher {

  /**
   * @param id the candidate Patient's id
   * @param score the probability that it is the same person (0..1)
   * @param grade FHIR's match-grade: certain, probable or possible
   * @param evidence which fields agreed and how, for the person who reads the answer
   */
  record Candidate(String id, double score, String grade, String evidence) {}

  /**
   * @param patient the Patient to match (need not be stored)
   * @param search a FHIR search of Patients as the caller: parameters to the matching Patients
   * @param count at most this many candidates, best first
   * @param onlyCertain only candidates graded certain
   * @throws IncomingResources.Rejected when the Patient cannot be matched as sent (an invalid national health ID)
   */
  List<Candidate> match(IBaseResource patient, Function<Map<String, List<String>>, List<IBaseResource>> search, int count,
      boolean onlyCertain);

  /**
   * The records of the person a record belongs to, itself included, as the caller may see them:
   * what IHE PIXm's {@code $ihe-pix} cross-references.
   *
   * @param search a FHIR search of Patients as the caller
   */
  List<IBaseResource> samePerson(IBaseResource record, Function<Map<String, List<String>>, List<IBaseResource>> search);
}
